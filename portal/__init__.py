"""The district portal: offices send the day's file from a browser and get its receipt at once;
the province sees every district. Starlette, server-rendered Jinja2 pages in Indonesian, uvicorn.

Its own state (accounts, sessions, failed logins, the upload log) lives in a SQLite file beside the
warehouse (db); accounts and roles (accounts); sessions and CSRF tokens (auth); who may call a
route (guards); routes per domain (routes: akun, kabupaten, provinsi, admin); the upload service
(upload), uploaded names and contents (names) and writing into the landing folder (deliver); the
upload log (store, SQL in portal/sql); view models (views) and templates (render); the warm
receipt check (checker) in its own process (check_process); what the pages read from the
warehouse, read-only (pages); error pages (errors); headers and body limits (security); the
application (app) and uvicorn (server).
"""
