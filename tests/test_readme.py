"""Every `curl` example of the README answers on the seeded API, and where the README shows the
answer (a ```jsonc block right after the example), every field it shows is in the answer at the
same place. The README stays true when the API changes."""

import json
import re
import shlex
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.anyio

BASE = "http://127.0.0.1:8000"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)


def _commands(block: str) -> list[list[str]]:
    """The shell commands of a block (a quoted argument may span lines), comments dropped."""
    commands, pending = [], ""
    for line in block.splitlines():
        pending += line + "\n"
        try:
            words = shlex.split(pending, comments=True)
        except ValueError:  # an open quote: the command goes on
            continue
        if words:
            commands.append(words)
        pending = ""
    return commands


def _examples() -> list[tuple[list[str], str | None]]:
    """(curl words, the jsonc answer shown right after it or None), in README order."""
    blocks = [(m.group(1), m.group(2), m.start(), m.end()) for m in BLOCK.finditer(_readme())]
    out: list[tuple[list[str], str | None]] = []
    for i, (language, text, _, end) in enumerate(blocks):
        if language != "sh":
            continue
        curls = [c for c in _commands(text) if c[0] == "curl"]
        shown = None
        if i + 1 < len(blocks) and blocks[i + 1][0] == "jsonc":
            between = _readme()[end : blocks[i + 1][2]]
            if "```" not in between:
                shown = blocks[i + 1][1]
        out += [(c, shown if c is curls[-1] else None) for c in curls]
    return out


def _readme() -> str:
    return (ROOT / "README.md").read_text()


def _request(words: list[str]) -> tuple[str, str, dict[str, str], str | None]:
    """curl's words as (method, URL path and query, headers, body)."""
    method, url, headers, body = "GET", "", {}, None
    args = iter(words[1:])
    for word in args:
        if word == "|":
            break
        if word == "-X":
            method = next(args)
        elif word == "-H":
            name, value = next(args).split(":", 1)
            headers[name.strip()] = value.strip()
        elif word == "-d":
            body, method = next(args), "POST" if method == "GET" else method
        elif word.startswith(BASE):
            url = word.removeprefix(BASE)
        else:
            assert word in ("-s", "--compressed"), f"an option the test does not know: {word}"
    assert url, words
    return method, url, headers, body


def _shown_paths(jsonc: str) -> set[tuple[str, ...]]:
    """The place of every key a jsonc example shows (lists as `[]`); `...` and comments skip."""
    text = re.sub(r"/\*.*?\*/", "", jsonc, flags=re.S)
    tokens = re.finditer(r'"((?:[^"\\]|\\.)*)"\s*(:)?|[{}\[\]]', text)
    stack: list[tuple[str, ...]] = []  # the place of each open container
    kinds: list[str] = []
    last_key: list[str] = []
    paths: set[tuple[str, ...]] = set()
    for token in tokens:
        char = token.group(0)
        if token.group(2):  # a key
            paths.add((*stack[-1], token.group(1)))
            last_key[-1] = token.group(1)
        elif char in "{[":
            if not stack:
                place: tuple[str, ...] = ()
            elif kinds[-1] == "[":
                place = (*stack[-1], "[]")
            else:
                place = (*stack[-1], last_key[-1])
            stack.append(place)
            kinds.append(char)
            last_key.append("")
        elif char in "}]":
            stack.pop()
            kinds.pop()
            last_key.pop()
    return paths


def _paths(value: Any, place: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            out.add((*place, key))
            out |= _paths(item, (*place, key))
    elif isinstance(value, list):
        for item in value:
            out |= _paths(item, (*place, "[]"))
    return out


EXAMPLES = _examples()


def test_the_readme_has_its_examples() -> None:
    assert len(EXAMPLES) > 20
    assert sum(shown is not None for _, shown in EXAMPLES) >= 2


@pytest.mark.parametrize(("words", "shown"), EXAMPLES, ids=[" ".join(w[2:4]) for w, _ in EXAMPLES])
async def test_a_readme_example_answers_as_shown(
    client: httpx.AsyncClient, words: list[str], shown: str | None
) -> None:
    method, url, headers, body = _request(words)
    response = await client.request(method, url, headers=headers, content=body)
    assert response.status_code == 200, (url, response.text[:500])
    if shown is not None:
        answer = response.json()
        missing = _shown_paths(shown) - _paths(answer)
        assert not missing, sorted(missing)
    elif response.headers["content-type"].startswith("application/json"):
        json.loads(response.content)
