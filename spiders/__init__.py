"""One spider per target site. Each says only what is special about its site; the CMS logic is
in harvester.platforms and the site's facts (entry URL, body, selectors) in harvester.sites."""
