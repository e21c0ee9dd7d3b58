"""harvester: crawl, clean, parse and archive Chinese government annual reports on
open-government-information work (政府信息公开工作年度报告)."""

__version__ = "0.1.0"
