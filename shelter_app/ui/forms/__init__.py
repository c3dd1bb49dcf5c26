"""The window's form kit: one form dialog (``form_dialog``), the input widgets (``fields``),
rows with their messages under the field (``layout``), how values are written
(``formatting``) and every colour and style (``palette``). Pages and dialogs of every feature
build on it; none of them defines its own."""
