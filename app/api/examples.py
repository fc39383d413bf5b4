"""Trimmed response examples for the OpenAPI document (real values from the curated data)."""

from typing import Any

_SOURCE = {
    "source": "clonazepam-muscle-spasms",
    "section": "Clonazepam vs. Common Muscle Relaxants",
}

COMPARE: dict[str, Any] = {
    "drugs": [
        {"slug": "clonazepam", "name": "Clonazepam", "requested": "Klonopin"},
        {"slug": "cyclobenzaprine", "name": "Cyclobenzaprine", "requested": "cyclobenzaprine"},
    ],
    "attributes": [
        {
            "attribute": "drug_class",
            "label": "Drug class",
            "cells": [
                {"drug": "clonazepam", "value": "Benzodiazepine", "note": None,
                 "sources": [_SOURCE]},
                {"drug": "cyclobenzaprine", "value": "Skeletal Muscle Relaxant", "note": None,
                 "sources": [_SOURCE]},
            ],
        }
    ],
    "effects": {
        "items": [
            {
                "effect": {"slug": "sedation", "name": "Sedation", "kind": "symptom",
                           "body_system": "nervous"},
                "shared_by": 2,
                "cells": [
                    {"drug": "clonazepam", "records": [{"context": "side_effect",
                     "incidence": {"band": "unknown", "frequency": None, "placebo_frequency": None,
                                   "wording": "Common, dose-dependent"},
                     "sources": ["clonazepam-muscle-spasms"]}]},
                    {"drug": "cyclobenzaprine", "records": [{"context": "side_effect",
                     "incidence": {"band": "unknown", "frequency": None, "placebo_frequency": None,
                                   "wording": "Common, potentially high"},
                     "sources": ["clonazepam-muscle-spasms"]}]},
                ],
            }
        ],
        "total": 24,
        "limit": 20,
        "offset": 0,
    },
    "summary": {
        "shared_by_all": {"count": 1, "effects": ["sedation"]},
        "unique": [
            {"drug": "clonazepam", "count": 23, "effects": ["leg-cramps", "drowsiness"]},
            {"drug": "cyclobenzaprine", "count": 0, "effects": []},
        ],
    },
}  # fmt: skip

_LEG_CRAMPS = {"slug": "leg-cramps", "name": "Leg cramps", "kind": "condition",
               "body_system": "musculoskeletal"}  # fmt: skip

CONTEXTS: dict[str, Any] = {
    "drug": {"slug": "clonazepam", "name": "Clonazepam"},
    "items": [
        {
            "effect": _LEG_CRAMPS,
            "side_effect": {
                "context": "side_effect",
                "incidence": {"band": "unknown", "frequency": None, "placebo_frequency": None,
                              "wording": "Less frequent"},
                "onset": {"text": "Any time after starting", "relative_to": "first_dose",
                          "min_days": None, "max_days": None, "peak_text": None,
                          "peak_min_days": None, "peak_max_days": None},
                "severity": "mild",
                "severity_note": "Generally milder than withdrawal cramps.",
                "accompanying_symptoms": [{"slug": "drowsiness", "name": "Drowsiness",
                                           "kind": "symptom", "body_system": "nervous"}],
                "management": ["Relieve the symptoms", "Possibly adjust the dose"],
                "notes": None,
                "evidence": [{"source": "clonazepam-leg-cramps", "section": "Comparison Table"}],
            },
            "withdrawal": {
                "context": "withdrawal",
                "incidence": {"band": "unknown", "frequency": None, "placebo_frequency": None,
                              "wording": "Relatively common, especially after abrupt stopping"},
                "onset": {"text": "Days to a week after the last dose", "relative_to": "last_dose",
                          "min_days": None, "max_days": 7, "peak_text": "One to two weeks later",
                          "peak_min_days": 7, "peak_max_days": 14},
                "severity": "variable",
                "severity_note": "Bothersome to severe.",
                "accompanying_symptoms": [{"slug": "anxiety", "name": "Anxiety",
                                           "kind": "symptom", "body_system": "psychiatric"}],
                "management": ["Taper the dose gradually under medical supervision"],
                "notes": None,
                "evidence": [{"source": "clonazepam-leg-cramps", "section": "Comparison Table"}],
            },
            "overdose": None,
        }
    ],
    "total": 24,
    "limit": 20,
    "offset": 0,
}  # fmt: skip


def example(value: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {"application/json": {"example": value}}}}
