-- Patients per age band and gender.
SELECT age_band, gender, patient_count
FROM patients_by_age_band_gender
ORDER BY age_band, gender
