"""Floor 5: what people read: the daily report (HTML and XLSX), the district receipts, the run summary."""
