-- Average length of stay in days of finished inpatient stays, per encounter class and discharge month, newest month first.
SELECT encounter_class, discharge_month, discharges, average_length_of_stay_days
FROM average_length_of_stay
ORDER BY discharge_month DESC, encounter_class
