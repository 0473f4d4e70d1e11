"""The staff console's collections part (a blueprint under /staff/)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff_collections", __name__)
