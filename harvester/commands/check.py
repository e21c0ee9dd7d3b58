"""`scrapy check`, without writing into the archive (see harvester.commands)."""

from scrapy.commands.check import Command as ScrapyCommand

from . import NO_ARCHIVE


class Command(ScrapyCommand):
    default_settings = {**ScrapyCommand.default_settings, **NO_ARCHIVE}
