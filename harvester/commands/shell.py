"""`scrapy shell`, without writing into the archive (see harvester.commands)."""

from scrapy.commands.shell import Command as ScrapyCommand

from . import NO_ARCHIVE


class Command(ScrapyCommand):
    default_settings = {**ScrapyCommand.default_settings, **NO_ARCHIVE}
