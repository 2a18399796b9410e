"""Email campaigns: audiences, templates, sending, unsubscribes, bounces and engagement."""
