-- The 20 most prevalent active conditions among living patients at the reference date, in percent, most prevalent first.
SELECT code_system, code, code_display, patient_count, total_patients, ROUND(100 * prevalence, 2) AS prevalence_percent, reference_date
FROM condition_prevalence
ORDER BY patient_count DESC, code_system, code
LIMIT 20
