"""The district portal: offices send the day's file from a browser and get its receipt at once;
the province sees every district. Starlette, server-rendered Jinja2 pages in Indonesian, uvicorn.

Its own state (accounts, sessions, failed logins, the upload log) lives in a SQLite file beside the
warehouse (db); accounts and roles (accounts); sessions, CSRF tokens and login throttling (auth);
uploaded names and contents (names); writing into the landing folder (deliver); the warm receipt
check (checker); what the pages read from the warehouse, read-only (pages); routes (app); and
uvicorn (server).
"""
