# source: Trivy DS-0010 run_using_sudo_test.rego
# expect: DF-016
FROM alpine:3.5
RUN apk add --update py2-pip
RUN sudo pip install --upgrade pip
CMD ["python", "/usr/src/app/app.py"]
