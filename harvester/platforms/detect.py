"""Which platform a report column runs on, from its URL and the page itself.

Each platform leaves a mark no other one has: gkmlpt its ``window._CONFIG`` tree (and
``/gkmlpt/`` paths), Hanweb JCMS its ``jpage``/``dataproxy.jsp`` datastore (``/col/col<id>/``),
the Anhui platform its ``/XxgkAnnualReport/`` and ``/OpennessContent/`` paths, TRS WCM its pager
script (``createPageHTML``, ``countPage``, ``list2.trsapi``) or ``tYYYYMMDD_<id>`` detail links.
Anything else is a plain static list (links + a 下一页 link).
"""

from __future__ import annotations

import re

from .trs import DETAIL_RE as TRS_DETAIL_RE

PLATFORM_ORDER = ("gkmlpt", "hanweb", "anhui", "trs", "static")

_GKMLPT = re.compile(r"window\._CONFIG\s*=.*?\bTREE\s*:", re.S)
_HANWEB = re.compile(r"\.jpage\(|dataproxy\.jsp|<datastore>")
_ANHUI = re.compile(r"/(?:XxgkAnnualReport|OpennessContent|BranchOpennessContent)/show(?:List)?/")
_TRS_SCRIPT = re.compile(r"createPageHTML\s*\(|var\s+countPage\s*=|list2\.trsapi")
_HREF = re.compile(r"""href\s*=\s*["']([^"'#]+)["']""")


def detect_platform(url: str, text: str) -> str:
    """The platform of the column page at ``url`` whose HTML is ``text`` (``static`` when none
    of the known marks is there)."""
    if "/gkmlpt/" in url or _GKMLPT.search(text):
        return "gkmlpt"
    if re.search(r"/col/col\d+/", url) or _HANWEB.search(text):
        return "hanweb"
    if _ANHUI.search(url) or _ANHUI.search(text):
        return "anhui"
    if _TRS_SCRIPT.search(text):
        return "trs"
    hrefs = _HREF.findall(text)
    if sum(1 for h in hrefs if TRS_DETAIL_RE.search(h.split("?")[0])) >= 2:
        return "trs"
    return "static"
