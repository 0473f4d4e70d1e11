"""The staff console's tuning part (a blueprint under /staff/)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff_tuning", __name__)
