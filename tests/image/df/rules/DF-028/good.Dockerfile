FROM python:3.12-alpine
RUN pip install --no-cache-dir -r requirements.txt --target /deps \
 && pip install --no-cache-dir --index-url https://user:pass@pypi.internal/simple "flask>=3,<4" gunicorn==22.0.0 ./dist/app.whl . \
 && pip install --no-cache-dir git+https://github.com/org/repo.git@v1.2#egg=repo
USER 1
