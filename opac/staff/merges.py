"""The staff console's merges part (a blueprint under /staff/)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff_merges", __name__)
