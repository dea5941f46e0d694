"""coopreview: follow-up of review recommendations and sharing of cooperation practice."""
