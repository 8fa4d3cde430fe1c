
  
  create view "warehouse"."staging"."stg_zoom__price_book__dbt_tmp" as (
    select
    price_list_charge_id,
    price_list_id,
    offer_id,
    offer_name,
    offer_type,
    partner_sku_code,
    charge_type,
    billing_period,
    currency,
    cast(list_price as decimal(38, 9)) as list_price,
    cast(partner_price as decimal(38, 9)) as partner_price
from (select * from "warehouse"."zoom"."price_book" where _sdc_deleted_at is null) as price_book
  );
