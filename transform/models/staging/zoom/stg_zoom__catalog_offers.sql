select
    tenant,
    offer_id || '-' || currency as catalog_offer_id,
    offer_id,
    currency,
    offer_name,
    offer_desc as offer_description,
    offer_type,
    z_product_category as product_category,
    sku,
    status as offer_status,
    start_date,
    end_date
from {{ live_source('zoom', 'catalog_offers') }} as catalog_offers
