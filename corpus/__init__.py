"""Reading: files (.txt .docx .xlsx .pdf) → blocks → a Document (layout recognition)."""
