"""The commands of `gmsd`, grouped by who uses them: a round, a delivery, analysts, the operator, the portal."""
