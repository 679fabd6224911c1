# source: Trivy DS-0010 run_using_sudo_test.rego
# expect-not: DF-016
FROM alpine:3.5
RUN apk add --update py2-pip
RUN apt-get install sudo
CMD ["python", "/usr/src/app/app.py"]
