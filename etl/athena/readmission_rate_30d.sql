-- 30-day readmission rate per discharge month whose 30-day window has closed at the reference date, in percent, newest month first.
SELECT discharge_month, index_admissions, readmissions_30d, ROUND(100 * readmission_rate, 1) AS readmission_rate_percent, reference_date
FROM readmission_rate_30d
ORDER BY discharge_month DESC
