-- One price per partition, month and offer: Adobe may publish an offer twice in a month (two
-- first order dates); the later one applies from its date, so the month's last row is kept.
select *
from (
    select
        price_lists.*,
        row_number() over (
            partition by
                price_list_month, region, market_segment, currency, price_list_type, offer_id
            order by first_order_at desc
        ) as month_rank
    from "warehouse"."staging"."stg_adobe__price_lists" as price_lists
) as ranked
where month_rank = 1