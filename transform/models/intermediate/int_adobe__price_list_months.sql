-- One price per partition, month and offer: Adobe may publish an offer twice in a month (two
-- first order dates); the later one applies from its date, so the month's last row is kept.
{{
    first_per_group(
        ref('stg_adobe__price_lists'),
        'tenant, price_list_month, region, market_segment, currency, price_list_type, offer_id',
        'first_order_at desc',
    )
}}
