"""Who calls an operation of the simulated Linkis services, as the security layer found
out, with the roles the job history gives them (docs/reference/linkis-console.md §0.3)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Caller:
    user: str
    admin: bool = False  # the login admin (an admin account): kills and counts any job
    admin_token: bool = False  # a token marked ADMIN-, which may name another executeUser
    governance_admin: bool = False  # G
    history_admin: bool = False  # H: G and the history admins; sees every job
    department_admin: bool = False  # D; sees every job by id, its department's in lists
    department: str = ""  # "" for a user without one

    def may_view(self, submit_user: str, execute_user: str) -> bool:
        """May read this job by its id, its record and its files: H or D read any job
        (QueryRestfulApi.java:113-118), anyone else those they submitted or ran."""
        return (
            self.history_admin or self.department_admin or self.user in (submit_user, execute_user)
        )
