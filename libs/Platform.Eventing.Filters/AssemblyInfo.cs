// Trigger filters and CESQL.
