"""The Scrapy entry point. Every body of the registry (harvester/registry/bodies.toml and
$HARVESTER_REGISTRY) is a spider named by its key, made by harvester.registry.spiderloader;
this package holds only the spider for a column URL outside the registry."""
