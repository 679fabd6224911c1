FROM node:20-alpine
WORKDIR /app
COPY . .
USER 10001
