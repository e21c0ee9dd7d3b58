"""`scrapy fetch`, without writing into the archive (see harvester.commands)."""

from scrapy.commands.fetch import Command as ScrapyCommand

from . import NO_ARCHIVE


class Command(ScrapyCommand):
    default_settings = {**ScrapyCommand.default_settings, **NO_ARCHIVE}
