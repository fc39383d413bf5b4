"""The end of every load, in its transaction: what the loaders recompute from what they wrote.

Name keys in the current rule first (derived_keys.rekey, before any join by name), then the
terminologies joined to the effects (terminology/effects/links.link: MedDRA codes, body systems,
kinds and aliases), then the read model, which reads both (app.readmodel.refresh).
"""

from sqlalchemy.orm import Session

from app import readmodel
from app.importers.derived_keys import rekey
from app.importers.terminology.effects.links import link


def recompute(session: Session) -> int:
    """Rekey names, link terminologies, refresh the read model; returns how many records
    changed."""
    rekey(session)
    link(session)
    return readmodel.refresh(session)
