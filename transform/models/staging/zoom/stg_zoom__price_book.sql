select
    tenant,
    price_list_charge_id,
    price_list_id,
    offer_id,
    offer_name,
    offer_type,
    partner_sku_code,
    charge_type,
    billing_period,
    currency,
    {{ money('list_price') }} as list_price,
    {{ money('partner_price') }} as partner_price
from {{ live_source('zoom', 'price_book') }} as price_book
