"""Pure xAPI functions (no database): validation, identifiers, comparison, formats, multipart.

Everything here works on parsed JSON (dicts and lists from orjson) and raises
:class:`terakoya.records.xapi.errors.XapiError` with an HTTP status and a bilingual message.
"""
