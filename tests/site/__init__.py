"""Site-wide tests: settings, operations, error pages, hostile input, architecture, two servers."""
