"""The campaign manager's dashboard: field, volunteers, money and outreach panels."""
