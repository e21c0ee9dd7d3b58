"""The text nodes of a page, read once, for the parser's "which elements hold X" questions.

Metadata asks for the blocks around every text node holding a colon (``label: value`` pairs)
or a dash (unlabelled dates), the attachments stage for the links holding a character of a
download hint (下载, 附件, .pdf), the region stage for the element whose text names the 主办单位.
Asked of libxml2, each is an XPath ``descendant::text()[contains(., X)]`` over every text node
of the page (~1,200 on a 300 KB page), and each ``contains()`` copies the node's text (~0.2 µs a
node and needle). Here the text nodes are read once, as lxml's "smart" strings (each knows its
element), and each question is a ``str`` test per node in Python (~0.03 µs).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

#: Every text node below the element asked, in document order (``getparent()``, ``is_tail``).
_TEXT_NODES_XPATH = etree.XPath("descendant::text()")
#: The union of two node sets is in document order, each node once (libxml2 sorts a union).
IN_DOCUMENT_ORDER_XPATH = etree.XPath("$nodes | $nodes")


class TextNodes:
    """The text nodes below ``root`` (not its own tail), read on the first question."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self._nodes: list[Any] | None = None

    def holding(self, needles: tuple[str, ...]) -> list[Any]:
        """The text nodes holding any of ``needles``, in document order (smart strings)."""
        if self._nodes is None:
            self._nodes = _TEXT_NODES_XPATH(self.root)
        nodes = self._nodes
        # one to three needles (every question asked) tested inline: any() costs ~10x the test
        if len(needles) == 1:
            needle = needles[0]
            return [node for node in nodes if needle in node]
        if len(needles) == 2:
            first, second = needles
            return [node for node in nodes if first in node or second in node]
        if len(needles) == 3:
            first, second, third = needles
            return [node for node in nodes if first in node or second in node or third in node]
        return [node for node in nodes if any(needle in node for needle in needles)]

    def parents(self, needles: tuple[str, ...]) -> list[Any]:
        """XPath's ``descendant::text()[contains(., n1) or ...]/..``: the elements holding such a
        text node as a child (a tail's is its element's parent), once each, in document order."""
        parents = []
        for node in self.holding(needles):
            parent = node.getparent()
            if node.is_tail:
                parent = parent.getparent()
            if parent is not None:
                parents.append(parent)
        if len(parents) < 2:
            return parents
        return IN_DOCUMENT_ORDER_XPATH(self.root, nodes=parents)
