
  
  create view "warehouse"."staging"."stg_zuora__subscriptions__dbt_tmp" as (
    -- The current view: the latest version of each subscription (highest version number, which
-- Zuora also marks latest_version).
select *
from (
    select
        versions.*,
        row_number() over (partition by subscription_number order by version desc) as version_rank
    from "warehouse"."staging"."stg_zuora__subscription_versions" as versions
) as ranked
where version_rank = 1
  );
