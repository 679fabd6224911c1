FROM python:3.12-alpine
RUN export PIP_NO_CACHE_DIR=1 && pip install six
RUN PIP_NO_CACHE_DIR=on pip3 install flask
RUN pipx install black && pipenv install
USER 1
