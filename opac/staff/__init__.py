"""The staff console at /staff/: accounts, sign-in and the checks every console page makes.

The interface for the console's parts (each part is its own blueprint, its URLs under /staff/):

    from opac.staff import add_console_part, current_staff, record_change, staff_required

    @bp.get("/staff/synonyms")
    @staff_required("editor")            # or @staff_required: any signed-in user (viewer)
    def synonyms(): ...

    record_change("synonyms.publish", "health.txt", unified_diff_text)

- `staff_required(role="viewer")`: roles rank viewer < editor < admin. Signed out, a page
  redirects to /staff/login?next=... and a JSON request (a path under /staff/api/, or
  `Accept: application/json`) gets 401 `{"ok": false, "status": 401, "error": ...}`; a lower role
  gets 403 (JSON or page alike).
- `current_staff()`: the signed-in `indexer.staff.accounts.Account` (username, role, `may(role)`)
  or None; usable on public pages too (e.g. to show staff-only controls; such responses are then
  sent `Cache-Control: no-store`).
- `record_change(action, target, diff)`: appends to the audit log as the signed-in user. Use a
  dotted action ("boosts.publish", "merge.split"), the file or record as target, and a text diff.
- `add_console_part(endpoint, title, description, role)`: lists a part on the console's home page
  (shown when the endpoint is registered and the user has the role).

What the console guarantees for every request under /staff/ (opac.staff.setup, .views):
every POST/PUT/PATCH/DELETE needs a CSRF token (the hidden `csrf_token` field of a form,
`{{ csrf_token() }}` in a template, or an `X-CSRFToken` header from script) or gets 400;
responses are `Cache-Control: no-store` and `X-Robots-Tag: noindex, nofollow`. Templates extend
"staff/layout.html", which adds the robots meta tag and the console's navigation.
"""

from opac.staff.auth import current_staff, record_change, staff_required
from opac.staff.parts import add_console_part

__all__ = ["add_console_part", "current_staff", "record_change", "staff_required"]
