"""The staff console's searches part (a blueprint under /staff/)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff_searches", __name__)
