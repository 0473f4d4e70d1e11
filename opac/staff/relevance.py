"""The staff console's relevance part (a blueprint under /staff/)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff_relevance", __name__)
