# One build for both services; pick one with --target api or --target consumer.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY rain-common/pom.xml rain-common/
COPY rain-api/pom.xml rain-api/
COPY rain-settlement-consumer/pom.xml rain-settlement-consumer/
RUN mvn -B -q -DskipTests dependency:go-offline || true
COPY . .
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre AS api
RUN useradd --system --uid 10001 rain
USER rain
COPY --from=build /src/rain-api/target/rain-api.jar /app/rain-api.jar
EXPOSE 8080
ENTRYPOINT ["java", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/rain-api.jar"]

FROM eclipse-temurin:17-jre AS consumer
RUN useradd --system --uid 10001 rain
USER rain
COPY --from=build /src/rain-settlement-consumer/target/rain-settlement-consumer.jar /app/rain-settlement-consumer.jar
EXPOSE 8081
ENTRYPOINT ["java", "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/rain-settlement-consumer.jar"]
