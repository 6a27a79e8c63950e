"""Access by invitation link (issue 16): a token is a key to exactly one pregnancy.

Re-exported from scheduling.access, the one place that decides access. The token is looked up by
its hash; a token we do not know, one changed by a single character, or a real token presented
with another pregnancy's id all come back as None, which the landing page answers as 404, the
same for each, so nothing tells a guesser which part was wrong.
"""

from __future__ import annotations

from .invitation_models import InvitationLink
from .invitation_selectors import link_for_token


def access_invitation_link(token: str, pregnancy_id: int) -> InvitationLink | None:
    """The link this token names, only if it names this pregnancy. Whether it may still be
    used (used, expired, a pregnancy that ended, a staff account) the caller says."""
    link = link_for_token(token)
    if link is None or link.pregnancy_id != pregnancy_id:
        return None
    return link
