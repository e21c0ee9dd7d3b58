"""Scrapy item pipelines: clean -> parse -> store. Thin: the logic lives in harvester/."""
