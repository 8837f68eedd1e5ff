"""网页界面 (perfxlsx serve): a local web application over the public API (api.fill through batch.process).

Only app.py and upload.py import Starlette and python-multipart, and only `perfxlsx serve` imports them:
other commands never pay for them. jobs.py (the job folders) and work.py (what a worker process runs)
import neither.
"""
