-- Encounters per class and start month, newest month first.
SELECT encounter_class, period_month, encounter_count
FROM encounters_by_class_month
ORDER BY period_month DESC, encounter_class
