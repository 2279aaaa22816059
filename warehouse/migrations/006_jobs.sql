-- On-demand work handed to a Prefect flow: the service writes what to do and who asks
-- here, and the flow takes only the job's id, so that nobody who can reach the Prefect
-- API can name the acting user.

CREATE SEQUENCE job_id START 1;

CREATE TABLE job (
    id BIGINT PRIMARY KEY DEFAULT nextval('job_id'),
    kind VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    actor JSON NOT NULL,
    options JSON NOT NULL,
    started_at TIMESTAMP
);
