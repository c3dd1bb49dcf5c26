"""The desktop window (PySide6). It calls services and never touches the database itself."""
