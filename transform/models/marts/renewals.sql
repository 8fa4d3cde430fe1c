-- Every active subscription whose renewal falls within 180 days after its vendor's as-of day:
-- Zuora's termed subscriptions at their current term's end, Zoom's at the term's end (auto-renew
-- or not: is_auto_renew says), Adobe's at the anniversary (renewalDate, the customer's coterm
-- date), Zoho's at the next recurring charge. For Adobe, the partner price at renewal: the price
-- list in force in the renewal month (the latest month published up to it: Adobe publishes a
-- month's list on its first day, so a renewal in a month not yet published is priced at the
-- latest list), times the renewal quantity, against today's price (the price-change exposure).
with upcoming as (
    select
        subscriptions.*,
        case
            when subscriptions.vendor = 'zoom' then subscriptions.end_date
            else subscriptions.renewal_date
        end as renews_on
    from {{ ref('subscriptions') }} as subscriptions
    where subscriptions.is_active
),

adobe as (
    select
        subscriptions.tenant,
        subscriptions.subscription_id,
        subscriptions.renewal_quantity,
        subscriptions.unit_partner_price,
        subscriptions.price_list_month,
        prices.partner_price as renewal_unit_partner_price,
        prices.price_list_month as renewal_price_list_month
    from {{ ref('int_adobe__subscriptions_priced') }} as subscriptions
    left join (
        {{
            first_per_group(
                '(select prices.*, subscriptions.subscription_id from '
                    ~ ref('int_adobe__price_list_months') ~ ' as prices inner join '
                    ~ ref('int_adobe__subscriptions_priced') ~ ' as subscriptions'
                    ~ ' on prices.tenant = subscriptions.tenant'
                    ~ ' and prices.region = subscriptions.region'
                    ~ ' and prices.market_segment = subscriptions.market_segment'
                    ~ ' and prices.currency = subscriptions.currency'
                    ~ ' and prices.price_list_type = subscriptions.price_list_type'
                    ~ ' and prices.offer_id = subscriptions.offer_id'
                    ~ ' where prices.price_list_month <= '
                    ~ yyyymm('cast(subscriptions.renewal_date as date)') ~ ')',
                'tenant, subscription_id',
                'price_list_month desc',
                rank_column='renewal_rank',
            )
        }}
    ) as prices
        on prices.tenant = subscriptions.tenant
        and prices.subscription_id = subscriptions.subscription_id
)

select
    upcoming.subscription_key,
    upcoming.vendor,
    upcoming.tenant,
    upcoming.subscription_id,
    upcoming.customer_key,
    upcoming.customer_name,
    upcoming.product_id,
    upcoming.product_name,
    upcoming.quantity,
    cast(upcoming.renews_on as date) as renewal_date,
    {{ days_between('upcoming.as_of', 'upcoming.renews_on') }} as days_until_renewal,
    upcoming.term_type,
    upcoming.term_months,
    upcoming.is_auto_renew,
    upcoming.currency,
    upcoming.monthly_recurring_amount as mrr,
    {{ money('12 * upcoming.monthly_recurring_amount') }} as arr,
    adobe.renewal_quantity,
    adobe.unit_partner_price,
    adobe.price_list_month,
    adobe.renewal_unit_partner_price,
    adobe.renewal_price_list_month,
    {{ money('adobe.renewal_unit_partner_price - adobe.unit_partner_price') }}
        as unit_price_change,
    case
        when adobe.unit_partner_price != 0
            then {{ percent_rounded(
                'adobe.renewal_unit_partner_price - adobe.unit_partner_price',
                'adobe.unit_partner_price'
            ) }}
    end as price_change_percent,
    {{ money_divide('adobe.renewal_unit_partner_price * adobe.renewal_quantity', 12) }}
        as renewal_mrr,
    {{
        money(
            money_divide('adobe.renewal_unit_partner_price * adobe.renewal_quantity', 12)
                ~ ' - upcoming.monthly_recurring_amount'
        )
    }} as mrr_change_at_renewal,
    reporting_rates.reporting_currency,
    {{ reporting_amount('upcoming.monthly_recurring_amount') }} as mrr_reporting,
    {{ reporting_amount('12 * upcoming.monthly_recurring_amount') }} as arr_reporting,
    upcoming.as_of
from upcoming
{{ join_reporting_rate('upcoming.currency', 'upcoming.as_of') }}
left join adobe
    on upcoming.vendor = 'adobe'
    and adobe.tenant = upcoming.tenant
    and adobe.subscription_id = upcoming.subscription_id
where upcoming.renews_on >= upcoming.as_of
    and upcoming.renews_on <= {{ add_days('upcoming.as_of', 180) }}
