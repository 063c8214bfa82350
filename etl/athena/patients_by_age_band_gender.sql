-- Living patients per age band (age at the reference date) and gender.
SELECT age_band, gender, patient_count, reference_date
FROM patients_by_age_band_gender
ORDER BY age_band, gender
