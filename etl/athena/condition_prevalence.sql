-- The 20 most prevalent conditions, in percent of patients, most prevalent first.
SELECT code_system, code, code_display, patient_count, total_patients, ROUND(100 * prevalence, 2) AS prevalence_percent
FROM condition_prevalence
ORDER BY patient_count DESC, code_system, code
LIMIT 20
