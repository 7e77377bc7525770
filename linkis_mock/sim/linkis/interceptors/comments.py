"""SQL comment stripping (CommentInterceptor, #17; SQLCommentHelper.dealComment,
CommentInterceptor.scala:69-117; docs/reference/linkis-interceptors.md §12).

`(?ms)('(?:''|[^'])*')|--.*?$|/\\*.*?\\*/|#.*?$|` replaced by `$1`: single-quoted strings
are kept, `--` and `#` comments go to the end of the line, `/* */` ones across lines.
Java's `$` in MULTILINE mode stops before any of its line terminators, so the lazy
`--.*?$` is `--` and the characters up to the first of them.
"""

from __future__ import annotations

import re

from linkis_mock.sim.linkis.interceptors.java import LINE_TERMINATORS

COMMENT = re.compile(
    rf"('(?:''|[^'])*')|--[^{LINE_TERMINATORS}]*|/\*.*?\*/|#[^{LINE_TERMINATORS}]*", re.DOTALL
)


def _kept(match: re.Match[str]) -> str:
    return match.group(1) or ""


def strip_comments(code: str) -> str:
    """The code without its comments; newlines stay and nothing is trimmed."""
    if "--" not in code and "#" not in code and "/*" not in code:
        return code
    return COMMENT.sub(_kept, code)
